#include "services/notify/profile_directory.h"

namespace labor::notify {

Contact ContactOf(const v1::Worker& worker) {
  Contact c;
  c.worker_id = worker.worker_id();
  c.version = worker.version();
  c.wechat_openid = worker.wechat_openid();
  c.hukou_township = worker.hukou_township();
  c.consent_wechat = worker.consent().wechat();
  c.consent_sms = worker.consent().sms();
  return c;
}

}  // namespace labor::notify
