"""The content pack (readable YAML files) and the demo-data generator (``content.demodata``)."""
