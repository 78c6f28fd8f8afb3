"""Calculation methods: each turns activity rows and selected factors into emission rows."""

from carbonledger.methods.activity import EmissionRows, calculate_activity

__all__ = ["EmissionRows", "calculate_activity"]
