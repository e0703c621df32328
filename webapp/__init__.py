"""The Flask app: create_app() wires settings, the engine, the page and API blueprints."""
from webapp.app import create_app

__all__ = ["create_app"]
