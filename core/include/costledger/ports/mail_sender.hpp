#pragma once

#include "costledger/model/mail.hpp"

namespace costledger::ports {

/// Where mail goes (weekly reports, quota alerts): SMTP in production, a fake in tests.
class MailSender {
 public:
  MailSender() = default;
  virtual ~MailSender() = default;
  // An interface: implementations are used through references, never copied or moved.
  MailSender(const MailSender&) = delete;
  MailSender& operator=(const MailSender&) = delete;
  MailSender(MailSender&&) = delete;
  MailSender& operator=(MailSender&&) = delete;

  /// Delivers `mail` to every recipient (To, Cc and Bcc) in one transaction: when it returns,
  /// the server has accepted the message for all of them. Throws TransientDeliveryError when
  /// sending again later may succeed, PermanentDeliveryError when it will not (including an
  /// invalid mail), both without secrets in the message. Thread-safe in the adapters.
  virtual void Send(const model::Mail& mail) = 0;
};

}  // namespace costledger::ports
