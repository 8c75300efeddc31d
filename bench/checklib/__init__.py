"""Independent checker for careday plans.

Written from DESIGN.md (case file contract, §4 semantics, plan.json) and the
project's docs/, without sharing code or data structures with the C planner,
so that a plan that passes here was checked by a second reading of the rules.
"""
