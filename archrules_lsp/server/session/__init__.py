"""The server's session state: client capabilities, settings, workspace folders."""
