#include "costledger/console/console_handler.hpp"

#include <exception>
#include <memory>
#include <utility>

#include "costledger/http/http_status.hpp"

namespace costledger::console {

ConsoleHandler::ConsoleHandler(Console& console, api::WorkerPool& pool)
    : console_(console), pool_(pool) {}

void ConsoleHandler::operator()(http::HttpRequest request, const http::Responder& respond) {
  Console::Decision decision = console_.Decide(request);
  if (decision.response) return respond(std::move(*decision.response));
  // Shared, as std::function needs a copyable callable.
  auto work = std::make_shared<std::pair<http::HttpRequest, Console::Decision>>(
      std::move(request), std::move(decision));
  const bool queued = pool_.TrySubmit([this, work, respond] {
    http::HttpResponse response;
    try {
      response = console_.Answer(work->first, work->second);
    } catch (...) {
      response = http::ErrorResponse(std::current_exception());
    }
    respond(std::move(response));
  });
  if (queued) return;
  http::HttpResponse busy = http::JsonError(503,
                                            "the console is busy: every database worker is "
                                            "busy; retry in a second");
  busy.headers.emplace_back("Retry-After", "1");
  respond(std::move(busy));
}

}  // namespace costledger::console
