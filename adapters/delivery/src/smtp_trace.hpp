#pragma once

#include <string>
#include <string_view>

namespace costledger::delivery {

/// A command line the SMTP client sent, fit for a trace: commands that carry no credentials
/// (EHLO, MAIL, RCPT, DATA, STARTTLS, QUIT, ...) as they are; "AUTH <mechanism> ***" for AUTH
/// with an initial response; "***" for anything else (the base64 user name, password or
/// digest sent after a 334 challenge). Trailing CR and LF are dropped. Pure and thread-safe.
std::string MaskSmtpCommand(std::string_view line);

}  // namespace costledger::delivery
