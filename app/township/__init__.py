"""The township side: station exchange files, consolidation, duplicate aid and return files."""
