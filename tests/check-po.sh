#!/usr/bin/env bash
# Fails when a user-facing message in the sources has no Chinese translation
# in po/zh_CN.po, or when the PO file is not valid gettext.
set -euo pipefail
cd "$1"
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
xgettext --from-code=UTF-8 --language=C++ --keyword=N_ --keyword=translate:1 --keyword=tr:1 \
  --keyword=trf:1 --no-location --sort-output -o "$pot" \
  $(find src -name '*.cc' -o -name '*.h' | grep -v '_test\.cc$' | sort)
msgfmt --check-header --check-domain -o /dev/null po/zh_CN.po
# msgcmp fails for every msgid of the sources that is missing, untranslated or fuzzy in the PO.
msgcmp po/zh_CN.po "$pot"
echo "po/zh_CN.po: all $(grep -c '^msgid ' "$pot") messages translated"
