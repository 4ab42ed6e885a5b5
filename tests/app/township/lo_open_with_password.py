"""Open an encrypted workbook in LibreOffice with a password, through UNO (run by the system
python3 that has LibreOffice's `uno`; see test_exchange.py). Prints one JSON line: whether the
right password opened it (and the first sheets and one cell) and whether a wrong one did.

    /usr/bin/python3 lo_open_with_password.py FILE.xlsx PASSWORD PROFILE_DIR PORT
"""

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    path, password, profile, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    env = {**os.environ, "HOME": profile}
    office = subprocess.Popen(["soffice", "--headless", "--norestore", "--nolockcheck",
                               f"-env:UserInstallation=file://{profile}/lo",
                               f"--accept=socket,host=127.0.0.1,port={port};urp;"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = {}
    try:
        ctx = uno.getComponentContext()
        resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
        remote = None
        for _ in range(120):
            try:
                remote = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        desktop = remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        for label, pw in (("right", password), ("wrong", password + "x")):
            try:
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("Password", pw)))
            except Exception:
                doc = None
            if doc is None:
                out[label] = None
                continue
            sheets = doc.getSheets()
            out[label] = {"sheets": list(sheets.getElementNames()),
                          "code": sheets.getByName("登记名册").getCellByPosition(0, 1).getString()}
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
    print(json.dumps(out, ensure_ascii=False))


main()
