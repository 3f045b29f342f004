"""People, departments, department assignments (CSO, head, PhillyStat analyst)
and the two program-wide roles (CCSO, MDO).

Layer 1: imports only csoprogram.lib. The department's stage, which reads
every app, is derived on the top floor (csoprogram/stage.py)."""
