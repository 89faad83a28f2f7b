#include "error_of.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace costledger::testing {
namespace {

using ::testing::EndsWith;
using ::testing::ScopedFakeTestPartResultReporter;
using ::testing::TestPartResultArray;

TEST(ErrorOfTest, ReturnsTheMessageOfTheExpectedException) {
  EXPECT_EQ(ErrorOf<std::invalid_argument>([] { throw std::invalid_argument("bad x"); }), "bad x");
  // A derived exception is caught as its base.
  EXPECT_EQ(ErrorOf<std::logic_error>([] { throw std::invalid_argument("derived"); }), "derived");
}

TEST(ErrorOfTest, FailsAtTheCallersLineWhenNothingIsThrown) {
  TestPartResultArray failures;
  std::string error;
  int line = 0;
  {
    const ScopedFakeTestPartResultReporter reporter(
        ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    line = __LINE__ + 1;
    error = ErrorOf<std::runtime_error>([] {});
  }
  ASSERT_EQ(failures.size(), 1);
  const ::testing::TestPartResult& failure = failures.GetTestPartResult(0);
  EXPECT_TRUE(failure.nonfatally_failed());
  EXPECT_THAT(failure.message(), ::testing::HasSubstr("nothing was thrown"));
  EXPECT_THAT(failure.file_name(), EndsWith("error_of_test.cpp"));
  EXPECT_EQ(failure.line_number(), line);
  // Not empty, so a caller's EXPECT_NE(ErrorOf<E>(f), "") alone would pass: the failure above
  // is what fails the test.
  EXPECT_EQ(error, kNothingThrown);
}

TEST(ErrorOfTest, AnotherExceptionTypePropagates) {
  EXPECT_THROW(ErrorOf<std::invalid_argument>([] { throw std::runtime_error("other"); }),
               std::runtime_error);
}

}  // namespace
}  // namespace costledger::testing
