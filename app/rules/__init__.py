"""Pure rules every domain may use: money, ID numbers, codes, pinyin and masking (no database)."""
