"""Focus groups: sessions held with internal and external customers, the
feedback heard there (sentiment, themes, possible solution), the program-wide
theme list and the theme board where CSOs compare feedback.

Layer 2: imports departments and csoprogram.lib only."""
