"""The severance and final-pay calculator, its minimum-wage table and its conversation."""
