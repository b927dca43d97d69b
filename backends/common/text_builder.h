// text_builder.h: the module text-section builder behind a target-neutral interface.
//
// machbuffer/'s TextSectionBuilder is a template over a target's label-use kinds, so the
// pipeline (compiler/) cannot name one without naming a target. Each TargetIsa therefore creates
// its own builder (TargetIsa::NewTextBuilder) as a TextBuilderFor<its LabelUses>, and the
// pipeline appends MachCode and finishes through this interface only.
//
// Invariant: the adapter adds nothing to the builder's behaviour; the text section is the same
// bytes TextSectionBuilder<Traits> would produce when driven directly.
#ifndef EGRET_BACKENDS_COMMON_TEXT_BUILDER_H_
#define EGRET_BACKENDS_COMMON_TEXT_BUILDER_H_

#include <cstdint>

#include "machbuffer/mach_code.h"
#include "machbuffer/text_section.h"
#include "support/error.h"

namespace egret::backend {

class TextBuilder {
 public:
  virtual ~TextBuilder() = default;
  // Places function `index` next (see TextSectionBuilder::Append).
  virtual Status Append(uint32_t index, const MachCode& code) = 0;
  // The text offset of function `index`, once appended (see TextSectionBuilder::Start).
  virtual uint32_t Start(uint32_t index) const = 0;
  // Resolves the remaining calls; the builder is spent afterwards.
  virtual Expected<TextSection> Finish() = 0;
};

template <class Traits>
class TextBuilderFor final : public TextBuilder {
 public:
  explicit TextBuilderFor(uint32_t num_functions, TextSectionOptions options = {})
      : builder_(num_functions, options) {}
  Status Append(uint32_t index, const MachCode& code) override {
    return builder_.Append(index, code);
  }
  uint32_t Start(uint32_t index) const override { return builder_.Start(index); }
  Expected<TextSection> Finish() override { return builder_.Finish(); }

 private:
  TextSectionBuilder<Traits> builder_;
};

}  // namespace egret::backend

#endif  // EGRET_BACKENDS_COMMON_TEXT_BUILDER_H_
