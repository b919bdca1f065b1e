"""Simulated traffic through a throwaway Router: the engine, its statistics, its timeline."""
