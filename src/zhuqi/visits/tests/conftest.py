"""The liaison scene (scene.py) as a fixture for every test here."""

from zhuqi.visits.tests.scene import scene

__all__ = ["scene"]
