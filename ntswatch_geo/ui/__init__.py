"""Streamlit glue shared by app.py and the pages: session context, sidebar, small widgets.

Only this package and pages/ import streamlit; the logic they call lives in ntswatch_geo.
"""
