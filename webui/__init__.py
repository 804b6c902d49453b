"""catdog's web layer: what the pages share (navigation, sidebar, cached loaders, charts, texts).

Imports streamlit; the core (`catdog/`) never does. Importing a module here changes nothing
process-wide: start-up tuning is `webui.startup.tune_process()`, called by the entry point.
"""
