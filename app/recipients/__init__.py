"""The register of people the fund helps: people, households, search and export."""
