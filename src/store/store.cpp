#include "store/store.hpp"

#include <future>
#include <utility>

namespace twinning::store {

Result<Recorded> Store::record_action_sync(NewAction action) {
  std::promise<Result<Recorded>> promise;
  auto future = promise.get_future();
  record_action(std::move(action), [&promise](Result<Recorded> result) { promise.set_value(std::move(result)); });
  return future.get();
}

}  // namespace twinning::store
