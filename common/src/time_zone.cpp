#include "costledger/common/time_zone.hpp"

#include <date/tz.h>
#include <fmt/core.h>

#include "costledger/model/errors.hpp"

namespace costledger::common {
namespace {

// The tz database's answer for one instant; date's zones live as long as the process.
class IanaZone final : public model::ZoneRules {
 public:
  explicit IanaZone(const date::time_zone* zone) : zone_(zone) {}
  model::ZoneOffset OffsetAt(std::chrono::sys_seconds utc) const override {
    const date::sys_info info = zone_->get_info(utc);
    return {std::chrono::duration_cast<std::chrono::seconds>(info.offset), info.abbrev};
  }

 private:
  const date::time_zone* zone_;
};

}  // namespace

std::shared_ptr<const model::ZoneRules> LoadTimeZone(const std::string& iana_name) {
  if (iana_name == "UTC" || iana_name == "Etc/UTC") {
    return std::make_shared<model::FixedOffsetZone>(model::FixedOffsetZone::Utc());
  }
  try {
    return std::make_shared<IanaZone>(date::locate_zone(iana_name));
  } catch (const std::runtime_error& e) {
    throw InvalidInput(fmt::format(
        "time zone '{}' is not in the tz database (use an IANA name such as Europe/Berlin or "
        "America/New_York): {}",
        iana_name, e.what()));
  }
}

}  // namespace costledger::common
