environment         = "staging"
region              = "eu-west-1"
availability_zones  = 2
multi_az            = true
deletion_protection = false
