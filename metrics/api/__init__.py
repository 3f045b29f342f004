"""The JSON API of every app (plans, areas of focus, metrics, values), in the
metrics layer; the departments endpoint, which carries the stage, is added on
the top floor (csoprogram/api.py)."""
