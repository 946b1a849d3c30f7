"""Record keeping (kiểm soát hồ sơ): the records each document produces, the agency's records
register and its yearly approval, and retention."""
