"""Analyses of scores: weak points, reliability, sensitivity, obstacle degrees."""

from .obstacle import ObstacleDegrees, obstacle_degree

__all__ = ["ObstacleDegrees", "obstacle_degree"]
