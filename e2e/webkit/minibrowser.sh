#!/bin/sh
# WebKitWebDriver starts the browser with its output discarded: this wrapper keeps the console
# output of every frame (--enable-write-console-messages-to-stdout) in the test's browser log.
exec "${WEBKIT_BROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}" "$@" >>"${MESHES_BROWSER_LOG:-/dev/null}" 2>&1
