"""Simulation services: running, pooling, replaying and encoding simulations."""
