/* Open Psychology Course: reader tools (tools/extensions/reader.py).
   Every part works on the page without this file; this only adds to it. */
