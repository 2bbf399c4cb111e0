"""Pages of people and bodies: login and passwords (auth), units and their contact details
(organisations), changes of a unit's legal facts (changes)."""
