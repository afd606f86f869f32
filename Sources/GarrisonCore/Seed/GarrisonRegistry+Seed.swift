extension GarrisonRegistry {
    /// The 17 garrisons as data (DOMAIN.md): code, name, seat, area, the voivodeship they cover by default,
    /// explicitly listed counties (KSP) and the historical rollout wave. The hub seeds its `garrisons` table from it.
    public static let seedJSON = #"""
    [
      {"code": "02", "name": "KWP Wrocław", "seat": "Wrocław", "area": "dolnośląskie", "voivodeship": "02", "counties": [], "wave": 4},
      {"code": "04", "name": "KWP Bydgoszcz", "seat": "Bydgoszcz", "area": "kujawsko-pomorskie", "voivodeship": "04", "counties": [], "wave": 2},
      {"code": "06", "name": "KWP Lublin", "seat": "Lublin", "area": "lubelskie", "voivodeship": "06", "counties": [], "wave": 3},
      {"code": "08", "name": "KWP Gorzów Wlkp.", "seat": "Gorzów Wielkopolski", "area": "lubuskie", "voivodeship": "08", "counties": [], "wave": 2},
      {"code": "10", "name": "KWP Łódź", "seat": "Łódź", "area": "łódzkie", "voivodeship": "10", "counties": [], "wave": 3},
      {"code": "12", "name": "KWP Kraków", "seat": "Kraków", "area": "małopolskie", "voivodeship": "12", "counties": [], "wave": 3},
      {"code": "14", "name": "KWP z/s w Radomiu", "seat": "Radom", "area": "mazowieckie except the KSP counties", "voivodeship": "14", "counties": [], "wave": 4},
      {"code": "16", "name": "KWP Opole", "seat": "Opole", "area": "opolskie", "voivodeship": "16", "counties": [], "wave": 4},
      {"code": "18", "name": "KWP Rzeszów", "seat": "Rzeszów", "area": "podkarpackie", "voivodeship": "18", "counties": [], "wave": 4},
      {"code": "20", "name": "KWP Białystok", "seat": "Białystok", "area": "podlaskie", "voivodeship": "20", "counties": [], "wave": 1},
      {"code": "22", "name": "KWP Gdańsk", "seat": "Gdańsk", "area": "pomorskie", "voivodeship": "22", "counties": [], "wave": 1},
      {"code": "24", "name": "KWP Katowice", "seat": "Katowice", "area": "śląskie", "voivodeship": "24", "counties": [], "wave": 3},
      {"code": "26", "name": "KWP Kielce", "seat": "Kielce", "area": "świętokrzyskie", "voivodeship": "26", "counties": [], "wave": 4},
      {"code": "28", "name": "KWP Olsztyn", "seat": "Olsztyn", "area": "warmińsko-mazurskie", "voivodeship": "28", "counties": [], "wave": 3},
      {"code": "30", "name": "KWP Poznań", "seat": "Poznań", "area": "wielkopolskie", "voivodeship": "30", "counties": [], "wave": 4},
      {"code": "32", "name": "KWP Szczecin", "seat": "Szczecin", "area": "zachodniopomorskie", "voivodeship": "32", "counties": [], "wave": 4},
      {"code": "KSP", "name": "Komenda Stołeczna Policji", "seat": "Warszawa", "area": "Warsaw and nine counties around it",
       "voivodeship": null, "counties": ["1465", "1405", "1408", "1412", "1414", "1417", "1418", "1421", "1432", "1434"], "wave": 1}
    ]
    """#
}
