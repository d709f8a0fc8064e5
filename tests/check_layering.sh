#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# core/ must not include Qt at all (it is the engine the CLI links);
# widgets/ must not include anything from app/.
set -u
root=${1:?usage: check_layering.sh SOURCE_DIR}
status=0
if hits=$(grep -rnE '#include[[:space:]]*[<"]Q[A-Za-z]*(/|>|")' "$root/core"); then
  echo "core/ includes Qt headers (core must stay Qt-free):"; echo "$hits"; status=1
fi
if hits=$(grep -rnE '#include[[:space:]]*[<"](qt|Qt)[A-Za-z]*/' "$root/core"); then
  echo "core/ includes Qt module headers:"; echo "$hits"; status=1
fi
# By name, with any path before it ("x.h", "studio/x.h", "../app/studio/x.h", <x.h>).
for f in $(ls "$root/app/studio" "$root/app/cli" | grep -E '\.h$'); do
  if hits=$(grep -rnE "#include[[:space:]]*[<\"]([^\">]*/)?${f//./\\.}[\">]" "$root/widgets"); then
    echo "widgets/ includes app/ header $f:"; echo "$hits"; status=1
  fi
done
[ $status -eq 0 ] && echo "layering ok: core/ is Qt-free, widgets/ does not include app/"
exit $status
