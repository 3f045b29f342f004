"""Customer service metrics: definitions (versioned), values per fiscal period,
status against the target, CSV import; PhillyStat meetings in
metrics/phillystat/ and the JSON API of every app in metrics/api/.

Layer 4: imports plans, focusgroups, departments and csoprogram.lib; never
csoprogram's own modules (the top floor)."""
