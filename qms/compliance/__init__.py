"""The auditor's workspace: the compliance report and the audit evidence pack."""
