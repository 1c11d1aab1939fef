#!/bin/sh
# Runs inside the bookworm root as mmdebstrap's last customize hook (see tests/realstack/roots.py):
# dress it as AlmaLinux 9.6 for tests/realstack/elhost.py. Everything here is test scaffolding.
set -eu
HERE=/root/hosttools
EL=$HERE/el

# 1. rpm keeps its database where EL does (Debian's rpm defaults to ~/.rpmdb).
mkdir -p /etc/rpm /var/lib/rpm
echo '%_dbpath /var/lib/rpm' > /etc/rpm/macros
rpm --initdb

# 2. Stand-in EL packages: an empty one for each name, except audispd-plugins, which carries
#    Debian's own audisp-remote files (so the package the wizard installs really works). Its
#    Debian package is removed: audisp-remote appears only when dnf installs the stand-in.
PAYLOAD=/srv/el-build/payload/audispd-plugins
mkdir -p $PAYLOAD
for f in $(dpkg -L audispd-plugins); do
    case $f in /usr/share/doc/*|/usr/share/lintian/*|/usr/share/man/*) continue;; esac
    [ -f "$f" ] || continue
    dest=$PAYLOAD/$(echo "$f" | sed -e 's#^/sbin/#/usr/sbin/#' -e 's#^/lib/#/usr/lib/#')
    mkdir -p "$(dirname "$dest")"; cp -p "$f" "$dest"
done
dpkg --purge audispd-plugins >/dev/null
grep -v '^#' $EL/packages.txt | while read -r name version release arch state payload; do
    [ -n "$name" ] || continue
    spec=/srv/el-build/SPECS/$name.spec
    mkdir -p /srv/el-build/SPECS
    {
        echo "Name: $name"; echo "Version: $version"; echo "Release: $release"
        echo "Summary: stand-in for the EL package $name (auditd-wizard tests)"
        echo "License: MIT"; echo "AutoReqProv: no"
        echo "%define __os_install_post %{nil}"; echo "%define debug_package %{nil}"
        [ "$arch" = noarch ] && echo "BuildArch: noarch"
        [ "$name" = almalinux-release ] && echo "Provides: system-release = $version" \
            && echo "Provides: system-release(releasever) = ${version%%.*}"
        [ "$name" = audispd-plugins ] && echo "Requires: audit = $version-$release"
        echo "%description"; echo "Stand-in."
        echo "%install"; echo "mkdir -p %{buildroot}"
        if [ "$payload" != - ]; then
            echo "cp -a /srv/el-build/payload/$payload/. %{buildroot}/"
            if [ "$name" = audispd-plugins ]; then echo "mkdir -p %{buildroot}/var/spool/audit"; fi
            echo "%files"
            (cd /srv/el-build/payload/$payload && find . -type f | sed 's#^\.##' | sort | while read -r p; do
                case $p in /etc/*) echo "%config(noreplace) $p";; *) echo "$p";; esac; done)
            # EL's audispd-plugins owns the forward-mode queue's folder (audit.spec); Debian's does not
            if [ "$name" = audispd-plugins ]; then echo "%attr(0700,root,root) %dir /var/spool/audit"; fi
        else
            echo "%files"
        fi
    } > $spec
    rpmbuild --quiet --define '_topdir /srv/el-build' --target "$arch" -bb $spec >/dev/null 2>&1 \
        || rpmbuild --define '_topdir /srv/el-build' --target "$arch" -bb $spec
    rpm=$(ls /srv/el-build/RPMS/$arch/$name-$version-$release.$arch.rpm)
    mkdir -p /srv/el-repo; cp "$rpm" /srv/el-repo/
    if [ "$state" = installed ]; then rpm -i --justdb --nodeps --noscripts "$rpm"; fi
done
createrepo_c -q /srv/el-repo
mkdir -p /etc/yum.repos.d
cp $EL/almalinux-standin.repo /etc/yum.repos.d/

# 3. Looks like AlmaLinux: os-release, EL's `service` with auditd's legacy actions.
rm -f /etc/os-release; cp $EL/os-release /etc/os-release
dpkg-divert --quiet --local --rename --divert /usr/sbin/service.debian --add /usr/sbin/service
install -m 0755 $EL/service /usr/sbin/service
mkdir -p /usr/libexec/initscripts/legacy-actions/auditd
install -m 0755 $EL/legacy-actions/auditd/restart $EL/legacy-actions/auditd/stop \
    /usr/libexec/initscripts/legacy-actions/auditd/

# 4. systemd: auditd.service as on EL (RefuseManualStop=yes), no audit rules; a root password
#    nobody needs; nothing waits for a network that a private one never brings.
mkdir -p /etc/systemd/system/auditd.service.d
cp $EL/auditd-el.conf /etc/systemd/system/auditd.service.d/el.conf
systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1 || true
echo el-standin > /etc/hostname
