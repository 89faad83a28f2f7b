#include "costledger/console/console_handler.hpp"

#include <exception>
#include <memory>
#include <utility>

#include "costledger/http/http_status.hpp"

namespace costledger::console {

ConsoleHandler::ConsoleHandler(Console& console, api::WorkerPool& pool,
                               api::PrincipalLimiter* limiter)
    : console_(console), pool_(pool), limiter_(limiter) {}

void ConsoleHandler::operator()(http::HttpRequest request, const http::Responder& sink) {
  Console::Decision decision = console_.Decide(request);
  const std::string principal = decision.who.name;
  const http::Responder respond = http::NamingPrincipal(sink, principal);  // for the access log
  if (decision.response) return respond(std::move(*decision.response));
  if (limiter_ != nullptr) {
    if (auto refused = limiter_->Acquire(principal)) return respond(std::move(*refused));
  }
  // Shared, as std::function needs a copyable callable.
  auto work = std::make_shared<std::pair<http::HttpRequest, Console::Decision>>(
      std::move(request), std::move(decision));
  const bool queued = pool_.TrySubmit([this, work, respond, principal] {
    http::HttpResponse response;
    try {
      response = console_.Answer(work->first, work->second);
    } catch (...) {
      response = http::ErrorResponse(std::current_exception());
    }
    if (limiter_ != nullptr) limiter_->Release(principal);
    respond(std::move(response));
  });
  if (queued) return;
  if (limiter_ != nullptr) limiter_->Release(principal);
  http::HttpResponse busy = http::JsonError(503,
                                            "the console is busy: every database worker is "
                                            "busy; retry in a second");
  busy.headers.emplace_back("Retry-After", "1");
  respond(std::move(busy));
}

}  // namespace costledger::console
