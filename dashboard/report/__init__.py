"""Files written for people: the shortlist workbook (.xlsx) and the import workbook's format."""
