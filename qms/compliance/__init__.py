"""The auditor's workspace: the audit trail page, the compliance report and the audit evidence pack."""
