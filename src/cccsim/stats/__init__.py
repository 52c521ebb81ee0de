"""Statistics: records → tidy KPI frames; across replications → confidence intervals."""
