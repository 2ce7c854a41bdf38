"""What leaves the build besides the site: PDF handouts, and the build benchmark."""
