#pragma once

#include "demo/DemoProfiles.h"
#include "profiles/ServerProfile.h"

#include <QString>

/**
 * The sample profile that plays saved profiles on the built-in demo server: a profile whose host is
 * the reserved name demoHost() (".invalid", RFC 2606 s.2, so it can never be a real server) runs
 * against the demo server's good scenario, but, unlike the demo entry, with only the profile's own
 * trust. The demo CA is then unknown, the run fails with cert-untrusted-chain, and adding the demo CA
 * file or trusting the certificate's fingerprint (cert-trusted-by-profile) makes it clean.
 */
class DemoProfile final
{
public:
    static QString demoHost() { return DemoProfiles::host(); }
    static bool isDemo(const ServerProfile& profile) { return DemoProfiles::isDemo(profile); }
    /// A new, unsaved sample profile (SMTP submission with STARTTLS on the demo server).
    static ServerProfile sample();
};
