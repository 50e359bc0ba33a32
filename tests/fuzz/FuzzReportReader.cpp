// libFuzzer target for ReportReader (app/run): arbitrary bytes as a JSON report.
//
// Property: whatever the reader accepts, the writer writes, and the reader accepts that again
// with the same result (read(write(read(x))) writes the same bytes as read(x)).

#include "FuzzMain.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const ReportReader::Result first = ReportReader::read(fuzz::bytes(data, size));
    if (!first.run) {
        if (first.error.isEmpty())
            fuzz::propertyFailed("a refused report must say why");
        return 0;
    }
    const QByteArray written = ReportJson::toJson(*first.run);
    const ReportReader::Result second = ReportReader::read(written);
    if (!second.run)
        fuzz::propertyFailed("a report the writer wrote must read back");
    if (ReportJson::toJson(*second.run) != written)
        fuzz::propertyFailed("reading a written report must not change it");
    return 0;
}
