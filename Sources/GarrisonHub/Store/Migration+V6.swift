extension Migration {
    /// v6: what a garrison's node sets aside (issue 13). A node whose hub keeps refusing one queued change alone
    /// moves it out of its queue so the rest drains; it tells the hub how many it holds, and the code of the
    /// oldest one's refusal, on every pull. `garrisonctl rollout status` shows them and the live gate waits for
    /// none (like unresolved quarantine). NULL: the node never said (an older node).
    ///
    /// Numbered 6, not 5: v5 is left to a change made beside this one.
    static let v6NodeSetAside = Migration(
        version: 6, name: "node set-aside changes",
        statements: [
            "ALTER TABLE nodes ADD COLUMN set_aside bigint",
            "ALTER TABLE nodes ADD COLUMN set_aside_code text",
        ]
    )
}
