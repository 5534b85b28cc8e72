# SPDX-License-Identifier: BSD-3-Clause
# Sphinx configuration of the dpdk-iommufd guides: no extension, nothing
# fetched. Build: sphinx-build -W -b html doc/guides build/doc

project = "dpdk-iommufd"
copyright = "2026, The dpdk-iommufd authors"
master_doc = "index"
exclude_patterns = []
extensions = []
highlight_language = "none"
html_theme = "alabaster"
html_show_sourcelink = False
html_last_updated_fmt = None
