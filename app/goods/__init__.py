"""The goods store (物资库): stock as movements in and out, allocations to distributions, counts."""
