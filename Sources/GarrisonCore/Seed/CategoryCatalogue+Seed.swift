extension CategoryCatalogue {
    /// Catalogue version 1: the 24 categories of DOMAIN.md with their public visibility.
    public static let seedJSON = #"""
    {"version": 1, "categories": [
      {"id": 1, "name": "Akty wandalizmu", "visibility": "always", "active": true},
      {"id": 2, "name": "Dzikie wysypiska śmieci", "visibility": "always", "active": true},
      {"id": 3, "name": "Grupowanie się małoletnich zagrożonych demoralizacją", "visibility": "always", "active": true},
      {"id": 4, "name": "Kłusownictwo", "visibility": "always", "active": true},
      {"id": 5, "name": "Miejsca niebezpieczne na wodach", "visibility": "always", "active": true},
      {"id": 6, "name": "Miejsce niebezpiecznej działalności rozrywkowej", "visibility": "confirmed", "active": true},
      {"id": 7, "name": "Nielegalna wycinka drzew", "visibility": "always", "active": true},
      {"id": 8, "name": "Nielegalne rajdy samochodowe", "visibility": "always", "active": true},
      {"id": 9, "name": "Nieprawidłowe parkowanie", "visibility": "always", "active": true},
      {"id": 10, "name": "Niestrzeżone przejście przez tory", "visibility": "always", "active": true},
      {"id": 11, "name": "Niestrzeżony przejazd kolejowy", "visibility": "always", "active": true},
      {"id": 12, "name": "Niewłaściwa infrastruktura drogowa", "visibility": "always", "active": true},
      {"id": 13, "name": "Niszczenie zieleni", "visibility": "always", "active": true},
      {"id": 14, "name": "Osoba bezdomna wymagająca pomocy", "visibility": "always", "active": true},
      {"id": 15, "name": "Poruszanie się po terenach leśnych quadami", "visibility": "always", "active": true},
      {"id": 16, "name": "Przekraczanie dozwolonej prędkości", "visibility": "always", "active": true},
      {"id": 17, "name": "Spożywanie alkoholu w miejscach niedozwolonych", "visibility": "always", "active": true},
      {"id": 18, "name": "Używanie środków odurzających", "visibility": "never", "active": true},
      {"id": 19, "name": "Wałęsające się bezpańskie psy", "visibility": "always", "active": true},
      {"id": 20, "name": "Wypalanie traw", "visibility": "always", "active": true},
      {"id": 21, "name": "Zdarzenia drogowe z udziałem zwierząt leśnych", "visibility": "always", "active": true},
      {"id": 22, "name": "Znęcanie się nad zwierzętami", "visibility": "never", "active": true},
      {"id": 23, "name": "Zła organizacja ruchu drogowego", "visibility": "always", "active": true},
      {"id": 24, "name": "Żebractwo", "visibility": "always", "active": true}
    ]}
    """#
}
