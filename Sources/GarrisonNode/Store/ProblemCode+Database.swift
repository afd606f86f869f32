import GarrisonCore
import GRDB

/// Problem codes are stored as their text (`code` columns of the queue, rejections and refused pulls).
extension ProblemCode: DatabaseValueConvertible {}
