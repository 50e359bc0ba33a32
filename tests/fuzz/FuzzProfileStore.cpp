// libFuzzer target for ProfileStore::parse (app/profiles): arbitrary bytes as a profiles file or
// an import. A user's own file, or one handed to `profiles import`, can hold anything.
//
// Properties: a document that is refused says why; every profile it kept survives an export and
// an import of that export unchanged (export(parse(export(p))) == export(p)), and a document
// never yields more profiles than the store's bound.

#include "FuzzMain.h"
#include "profiles/ProfileStore.h"

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const ProfileStore::Document first = ProfileStore::parse(fuzz::bytes(data, size));
    if (!first.fatal.isEmpty()) {
        if (!first.profiles.isEmpty())
            fuzz::propertyFailed("a refused document must not yield profiles");
        return 0;
    }
    if (first.profiles.size() > ProfileStore::MaxProfiles)
        fuzz::propertyFailed("more profiles than the store's bound");
    const QByteArray exported = ProfileStore::exportJson(first.profiles);
    const ProfileStore::Document second = ProfileStore::parse(exported);
    if (!second.fatal.isEmpty())
        fuzz::propertyFailed("an export must import again");
    if (second.profiles.size() != first.profiles.size() || !second.problems.isEmpty())
        fuzz::propertyFailed("an export must import every profile it holds");
    if (ProfileStore::exportJson(second.profiles) != exported)
        fuzz::propertyFailed("importing an export must not change it");
    return 0;
}
