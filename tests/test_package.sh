#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package from the build folder, unpacks it into a scratch
# root and checks that it declares its dependencies, that every file lands
# where the launcher looks for it, and that the desktop files validate.
#   test_package.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

desktop-file-validate "$src/packaging/latent-studio.desktop" || fail "desktop file does not validate"

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/out/*.deb)
echo "package: $(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libtorch libqt6widgets6 libqt6gui6 libqt6core6 libopencv-core libqcustomplot libc6 libopenblas0-pthread; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (shlibdeps should find it)"
done

root=$work/root
dpkg-deb -x "$deb" "$root"
for f in \
  usr/bin/latent-studio usr/bin/latent-cli \
  usr/share/latent-studio/generators/fashion-cgan.pt \
  usr/share/latent-studio/generators/fashion-cgan.json \
  usr/share/latent-studio/generators/fashion-ddpm.pt \
  usr/share/latent-studio/generators/fashion-ddpm.json \
  usr/share/applications/latent-studio.desktop \
  usr/share/metainfo/org.latentstudio.LatentStudio.metainfo.xml \
  usr/share/mime/packages/latent-studio.xml \
  usr/share/icons/hicolor/scalable/apps/latent-studio.svg \
  usr/share/icons/hicolor/48x48/apps/latent-studio.png \
  usr/share/icons/hicolor/256x256/apps/latent-studio.png \
  usr/share/latent-studio/translations/latent-studio_de.qm \
  usr/share/latent-studio/translations/latent-studio_fr.qm; do
  [ -s "$root/$f" ] || fail "$f is missing from the package"
done

desktop-file-validate "$root/usr/share/applications/latent-studio.desktop" || fail "installed desktop file"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.latentstudio.LatentStudio.metainfo.xml" ||
  fail "metainfo does not validate"
xmllint --noout "$root/usr/share/mime/packages/latent-studio.xml" 2>/dev/null ||
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
    "$root/usr/share/mime/packages/latent-studio.xml" || fail "MIME XML is malformed"

# The unpacked CLI finds the generator beside it (../share/latent-studio),
# not the source tree's copy.
unset LATENT_STUDIO_GENERATORS
"$root/usr/bin/latent-cli" --version | grep -q "latent-cli" || fail "latent-cli --version"
"$root/usr/bin/latent-studio" --version | grep -q "latent-studio" || fail "latent-studio --version"
"$root/usr/bin/latent-cli" --help | grep -q "Subcommands:" || fail "latent-cli --help"
"$root/usr/bin/latent-studio" --help | grep -q -- "--tab <name>" || fail "latent-studio --help"
# Without any display: help and version must not need X.
env -u DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/latent-studio" --help | grep -q -- "--tab <name>" ||
  fail "latent-studio --help without a display"
env -u DISPLAY -u QT_QPA_PLATFORM "$root/usr/bin/latent-studio" --version | grep -q "latent-studio" ||
  fail "latent-studio --version without a display"
info=$("$root/usr/bin/latent-cli" info default) || fail "latent-cli info default"
grep -q "$root/usr/share/latent-studio/generators/fashion-cgan.pt" <<<"$info" ||
  { echo "$info"; fail "the unpacked CLI did not use the packaged generator"; }
# The shipped diffusion model by name, from the package too.
info=$("$root/usr/bin/latent-cli" info fashion-ddpm) || fail "latent-cli info fashion-ddpm"
grep -q "kind:.*diffusion" <<<"$info" || { echo "$info"; fail "fashion-ddpm is not a diffusion model"; }
grep -q "$root/usr/share/latent-studio/generators/fashion-ddpm.pt" <<<"$info" ||
  { echo "$info"; fail "the unpacked CLI did not use the packaged diffusion model"; }
echo "package ok"
