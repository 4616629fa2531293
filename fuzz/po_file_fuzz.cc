// PO catalogs: a translator's file, read by the build.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "i18n/po_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)portlens::parse_po(text, "fuzz.po");
  return 0;
}
