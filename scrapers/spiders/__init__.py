"""One spider per source; the module, the spider name, the test and the fixture folder share a name."""
