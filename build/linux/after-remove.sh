#!/bin/bash
# .deb post-remove: electron-builder's own after-remove steps (this file replaces its template), then
# what after-install.sh put outside the package. The data directory (~/.local/share/scanpay-kiosk or
# /var/lib/scanpay) is kept: it holds the payment journal.

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' '/opt/${sanitizedProductName}/${executable}'
else
    rm -f '/usr/bin/${executable}'
fi

if [ -f '/etc/apparmor.d/${executable}' ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove '/etc/apparmor.d/${executable}' || true
    fi
  fi
  rm -f '/etc/apparmor.d/${executable}'
fi

rm -f /usr/lib/udev/rules.d/60-scanpay-scanners.rules /usr/bin/scanpay-kiosk-mode /etc/xdg/autostart/scanpay-kiosk-autostart.desktop
if command -v udevadm >/dev/null 2>&1; then udevadm control --reload-rules || true; fi
exit 0
