#!/bin/bash
# .deb post-install. electron-builder uses this file instead of its own after-install template (and
# fills in ${executable} / ${sanitizedProductName}), so it first does what that template does (the
# /usr/bin link, chrome-sandbox mode, desktop database, AppArmor profile), then ScanPay's part: the
# scanner udev rules and the kiosk-mode switch. The desktop autostart entry and the headless systemd
# unit are shipped but not enabled: docs/deploy.md says when to enable which.
# No shell variables in braces here: electron-builder would take them for its own macros.

APP_DIR='/opt/${sanitizedProductName}'
RES="$APP_DIR/resources/deploy/linux"

if type update-alternatives >/dev/null 2>&1; then
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    update-alternatives --install '/usr/bin/${executable}' '${executable}' "$APP_DIR/${executable}" 100 || ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'
else
    ln -sf "$APP_DIR/${executable}" '/usr/bin/${executable}'
fi

# SUID chrome-sandbox only where user namespaces do not work.
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi
if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24+), only when this AppArmor accepts it.
if apparmor_status --enabled > /dev/null 2>&1; then
  if apparmor_parser --skip-kernel-load --debug "$APP_DIR/resources/apparmor-profile" > /dev/null 2>&1; then
    cp -f "$APP_DIR/resources/apparmor-profile" '/etc/apparmor.d/${executable}'
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache '/etc/apparmor.d/${executable}'
    fi
  fi
fi

# Scanner access: hidraw for HID POS, no ModemManager on CDC-ACM, dialout for serial.
install -m 0644 "$RES/60-scanpay-scanners.rules" /usr/lib/udev/rules.d/60-scanpay-scanners.rules
if command -v udevadm >/dev/null 2>&1; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=hidraw --subsystem-match=tty || true
fi
install -m 0755 "$RES/scanpay-kiosk-mode" /usr/bin/scanpay-kiosk-mode
exit 0
